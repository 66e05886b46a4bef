/**
 * A hash for eyes and hands: split in 4-digit groups (alternately shaded, so a finger or eye
 * can keep its place), while the text itself stays unbroken so a copy gives the exact value.
 */
import { hexGroups } from './display.ts';

export function GroupedHex({ value, testId }: { value: string; testId?: string }) {
  const { prefix, groups } = hexGroups(value);
  return (
    <code className="hex-groups" data-value={value} data-testid={testId} title={value}>
      {prefix && <span className="hex-prefix">{prefix}</span>}
      {groups.map((g, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: groups are positional and never reorder
        <span key={i} className={i % 2 ? 'g odd' : 'g'}>
          {g}
        </span>
      ))}
    </code>
  );
}
