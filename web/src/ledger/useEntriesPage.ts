/**
 * One page of entries, newest first. A page is named by its top (highest) index; `top === null`
 * is the newest page. Pages are aligned to the log's size when it was read, 25 entries each.
 * While a page loads, the previous one stays on screen.
 */
import { useEffect, useState } from 'react';
import { errorInfo } from '../errorInfo.ts';
import { fetchEntries, PAGE_SIZE } from './ledgerApi.ts';
import type { EntryDto } from './types.ts';

export interface EntriesPage {
  /** Entries in the log when the page was read. */
  size: number;
  /** Highest index on the page (-1 for an empty log). */
  top: number;
  entries: EntryDto[];
}

export interface EntriesState {
  page: EntriesPage | null;
  loading: boolean;
  error: { code: string; message: string } | null;
}

export function useEntriesPage(top: number | null, generation: number): EntriesState {
  const [state, setState] = useState<EntriesState>({ page: null, loading: true, error: null });

  useEffect(() => {
    void generation;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    loadPage(top, ctl.signal).then(
      (page) => {
        if (!ctl.signal.aborted) setState({ page, loading: false, error: null });
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) setState((s) => ({ ...s, loading: false, error: errorInfo(e) }));
      },
    );
    return () => ctl.abort();
  }, [top, generation]);

  return state;
}

async function loadPage(top: number | null, signal: AbortSignal): Promise<EntriesPage> {
  let want = top;
  if (want === null) want = (await fetchEntries(0, 1, signal)).size - 1;
  if (want < 0) return { size: 0, top: -1, entries: [] };
  const from = Math.max(0, want - PAGE_SIZE + 1);
  const { size, entries } = await fetchEntries(from, want - from + 1, signal);
  return {
    size,
    top: Math.min(want, size - 1),
    entries: entries.filter((e) => e.index >= from && e.index <= want).sort((a, b) => b.index - a.index),
  };
}

/** The top index of the page that holds `index`, pages aligned to the newest entry. */
export function pageTopFor(index: number, size: number): number {
  const fromNewest = size - 1 - index;
  return size - 1 - Math.floor(fromNewest / PAGE_SIZE) * PAGE_SIZE;
}
