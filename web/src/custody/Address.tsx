/** A full address (never shortened: a look-alike differs in the middle) and what the console calls it. */
import type { AddressLabels } from './display.ts';

export function Address({ value, labels }: { value: string | null; labels: AddressLabels }) {
  if (value === null) return <span className="muted">none</span>;
  const label = labels.get(value.toLowerCase());
  return (
    <span className="addr">
      <code>{value}</code>
      {label ? (
        <span className="addr-label">{label}</span>
      ) : (
        <span className="addr-label unknown">unknown</span>
      )}
    </span>
  );
}
