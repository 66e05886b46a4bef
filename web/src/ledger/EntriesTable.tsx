/** The entries of one page, newest first. */
import { COLUMNS, EntryRow } from './EntryRow.tsx';
import type { EntryDto } from './types.ts';

interface Props {
  entries: EntryDto[];
  checkpointSize: number | null;
  highlight: number | null;
}

export function EntriesTable({ entries, checkpointSize, highlight }: Props) {
  return (
    <table className="entries">
      <colgroup>
        <col className="c-index" />
        <col className="c-time" />
        <col className="c-actor" />
        <col className="c-action" />
        <col className="c-subject" />
        <col />
        <col className="c-verify" />
      </colgroup>
      <thead>
        <tr>
          <th className="num">Index</th>
          <th>Time (UTC)</th>
          <th>Actor</th>
          <th>Action</th>
          <th>Subject</th>
          <th>Payload</th>
          <th>Verify</th>
        </tr>
      </thead>
      <tbody>
        {entries.length === 0 && (
          <tr>
            <td colSpan={COLUMNS} className="muted">
              No entries.
            </td>
          </tr>
        )}
        {entries.map((e) => (
          <EntryRow
            key={`${e.index}|${e.leafHash}|${e.entry}`}
            entry={e}
            checkpointSize={checkpointSize}
            highlighted={e.index === highlight}
          />
        ))}
      </tbody>
    </table>
  );
}
