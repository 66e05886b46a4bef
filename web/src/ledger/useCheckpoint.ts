/** Loads the latest checkpoint and the log's key, and verifies the signature in this browser. */
import { useCallback, useEffect, useState } from 'react';
import { errorInfo } from '../errorInfo.ts';
import { fetchCheckpoint, fetchLogKey } from './ledgerApi.ts';
import type { CheckpointDto, LogKeyDto } from './types.ts';
import { type VerifiedCheckpoint, verifyCheckpoint } from './verifyCheckpoint.ts';

export type CheckpointState =
  | { status: 'loading' }
  | { status: 'none'; key: LogKeyDto | null }
  /** Could not load: nothing to verify. */
  | { status: 'error'; code: string; message: string }
  | { status: 'verified'; dto: CheckpointDto; key: LogKeyDto; verified: VerifiedCheckpoint }
  /** Loaded, and the signature (or the note's agreement with the summary) does not hold. */
  | { status: 'invalid'; dto: CheckpointDto; key: LogKeyDto; code: string; message: string };

export function useCheckpoint(): { state: CheckpointState; reload: () => void } {
  const [state, setState] = useState<CheckpointState>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    void generation;
    const ctl = new AbortController();
    setState({ status: 'loading' });
    Promise.all([fetchCheckpoint(ctl.signal), fetchLogKey(ctl.signal)]).then(
      ([dto, key]) => {
        if (ctl.signal.aborted) return;
        if (dto === null) return setState({ status: 'none', key });
        try {
          setState({ status: 'verified', dto, key, verified: verifyCheckpoint(dto, key) });
        } catch (e) {
          setState({ status: 'invalid', dto, key, ...errorInfo(e) });
        }
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) setState({ status: 'error', ...errorInfo(e) });
      },
    );
    return () => ctl.abort();
  }, [generation]);

  return { state, reload };
}
