/** Newest-first paging over the log, and a jump to any index. */
import { type FormEvent, useState } from 'react';
import { PAGE_SIZE } from './ledgerApi.ts';

interface Props {
  size: number;
  top: number;
  /** Go to the page whose top index is `top`; null for the newest page. */
  onPage: (top: number | null) => void;
  onJump: (index: number) => void;
}

export function Pager({ size, top, onPage, onJump }: Props) {
  const [jump, setJump] = useState('');
  const bottom = Math.max(0, top - PAGE_SIZE + 1);
  const atNewest = top >= size - 1;
  const atOldest = bottom <= 0;
  const pages = Math.max(1, Math.ceil(size / PAGE_SIZE));
  const page = Math.floor((size - 1 - top) / PAGE_SIZE) + 1;
  const jumpValue = Number(jump);
  const jumpOk = jump.trim() !== '' && Number.isSafeInteger(jumpValue) && jumpValue >= 0 && jumpValue < size;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (jumpOk) onJump(jumpValue);
  }

  return (
    <nav className="pager" aria-label="Entries pages">
      <button type="button" onClick={() => onPage(null)} disabled={atNewest}>
        « Newest
      </button>
      <button type="button" onClick={() => onPage(Math.min(size - 1, top + PAGE_SIZE))} disabled={atNewest}>
        ‹ Newer
      </button>
      <span className="range" data-testid="page-range">
        {size === 0 ? 'no entries' : `indices ${top}–${bottom} · page ${page} of ${pages}`}
      </span>
      <button type="button" onClick={() => onPage(top - PAGE_SIZE)} disabled={atOldest}>
        Older ›
      </button>
      <button type="button" onClick={() => onPage((size - 1) % PAGE_SIZE)} disabled={atOldest}>
        Oldest »
      </button>
      <form className="jump" onSubmit={submit}>
        <label>
          Jump to index{' '}
          <input
            type="number"
            inputMode="numeric"
            min={0}
            max={Math.max(0, size - 1)}
            value={jump}
            onChange={(e) => setJump(e.target.value)}
            placeholder={size > 0 ? `0–${size - 1}` : ''}
          />
        </label>{' '}
        <button type="submit" disabled={!jumpOk}>
          Go
        </button>
      </form>
    </nav>
  );
}
