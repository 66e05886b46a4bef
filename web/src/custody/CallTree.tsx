/**
 * The decoded call tree: each call with its path, operation, target, value and decoded function;
 * a delegatecall is flagged in red (its target's code runs as the wallet); batch children are
 * indented under their MultiSend with their paths.
 */
import type { ReactNode } from 'react';
import { Address } from './Address.tsx';
import { type AddressLabels, eth, pathLabel } from './display.ts';
import type { DecodedCall } from './types.ts';

/**
 * `untrusted`: paths of the delegatecalls the analysis found untrusted (DELEGATECALL_UNTRUSTED).
 * Any other delegatecall went to an allow-listed Safe library (MultiSend, …): still marked, but
 * not as an alarm.
 */
export function CallTree(props: {
  root: DecodedCall;
  labels: AddressLabels;
  untrusted: ReadonlySet<string>;
}) {
  return (
    <ul className="call-tree">
      <CallNode call={props.root} labels={props.labels} untrusted={props.untrusted} />
    </ul>
  );
}

function CallNode(props: { call: DecodedCall; labels: AddressLabels; untrusted: ReadonlySet<string> }) {
  const { call, untrusted } = props;
  const delegate = call.operation === 1;
  const alarm = delegate && untrusted.has(call.path);
  const children = Array.isArray(call.children) ? call.children : [];
  const labels =
    delegate && !alarm && !props.labels.has(call.to.toLowerCase())
      ? new Map([...props.labels, [call.to.toLowerCase(), 'allow-listed Safe library']])
      : props.labels;
  return (
    <li
      className={alarm ? 'call delegate' : delegate ? 'call delegate-trusted' : 'call'}
      data-path={call.path}
    >
      <div className="call-head">
        <span className="call-path">{call.path === '' ? 'top' : call.path}</span>
        <span className={delegate ? 'op op-delegate' : 'op'}>
          {call.operation === 0
            ? 'CALL'
            : call.operation === 1
              ? 'DELEGATECALL'
              : `OPERATION ${call.operation}`}
        </span>
        <span className="fn">
          {call.function ? (
            <code>{call.function.signature}</code>
          ) : call.selector ? (
            <code className="bad-text">unknown function {call.selector}</code>
          ) : (
            <span>value transfer</span>
          )}
          {call.function && <span className="muted"> · {call.function.standard}</span>}
        </span>
      </div>
      <dl className="call-facts">
        <dt>target</dt>
        <dd>
          <Address value={call.to} labels={labels} />
        </dd>
        {call.value !== '0' && (
          <>
            <dt>value</dt>
            <dd className="strong">{eth(call.value)}</dd>
          </>
        )}
        {call.args?.map((a) => (
          <ArgRow key={a.name} name={a.name} type={a.type} value={a.value} labels={labels} />
        ))}
        {call.function === null && call.data !== '0x' && (
          <>
            <dt>data</dt>
            <dd>
              <code className="raw-data">{call.data}</code>
            </dd>
          </>
        )}
      </dl>
      {alarm && (
        <p className="call-warning">
          Delegatecall: the code at {call.to} runs as the wallet, with full write access to its storage. What
          the data claims to be means nothing here.
        </p>
      )}
      {delegate && !alarm && (
        <p className="call-note">
          Delegatecall to an allow-listed Safe library: the calls below are made by the wallet itself.
        </p>
      )}
      {call.error && (
        <p className="call-error">
          Not decoded ({pathLabel(call.path)}): {call.error}
        </p>
      )}
      {children.length > 0 && (
        <ul className="call-children" aria-label={`calls of ${pathLabel(call.path)}`}>
          {children.map((c) => (
            <CallNode key={c.path} call={c} labels={props.labels} untrusted={untrusted} />
          ))}
        </ul>
      )}
    </li>
  );
}

function ArgRow(props: { name: string; type: string; value: unknown; labels: AddressLabels }) {
  const { name, type, value, labels } = props;
  let shown: ReactNode;
  if (type === 'address' && typeof value === 'string') shown = <Address value={value} labels={labels} />;
  else if (type === 'bytes' && typeof value === 'string' && value.length > 130)
    shown = <code className="raw-data">{`${value.slice(0, 130)}… (${(value.length - 2) / 2} bytes)`}</code>;
  else shown = <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>;
  return (
    <>
      <dt>
        {name} <span className="muted">{type}</span>
      </dt>
      <dd>{shown}</dd>
    </>
  );
}
