export function findPgBin(): string;
export function startPostgres(): Promise<{ url: string; port: number; stop(): Promise<void> }>;
