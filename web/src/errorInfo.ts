/** The code and message of anything thrown: RampartError, ApiError, or a plain Error. */
export function errorInfo(e: unknown): { code: string; message: string } {
  const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : 'ERROR';
  return { code, message: e instanceof Error ? e.message : String(e) };
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
