/**
 * One analysed transaction, in the order a signer under pressure needs it:
 *  1. the verdict, big, with its reasons (findings, most severe first, each with its code and path);
 *  2. the hashes to compare on the hardware wallet;
 *  3. the decoded call tree;  4. the simulated effects;  5. the signatures;
 *  6. the analysis digest approvers sign (recomputed in this browser from what is shown).
 */
import { Fragment, type ReactNode } from 'react';
import { analysisDigest } from '../../../src/custody/analysis/digest.ts';
import { FINDING_DESCRIPTIONS } from '../../../src/custody/analysis/findings.ts';
import { CallTree } from './CallTree.tsx';
import { type AddressLabels, eth, pathLabel, sortBySeverity } from './display.ts';
import { EffectsView } from './EffectsView.tsx';
import { GroupedHex } from './Hash.tsx';
import { SignaturesView } from './SignaturesView.tsx';
import type { Analysis, Finding, Verdict } from './types.ts';

const VERDICT_TEXT: Record<Verdict, { word: string; line: string }> = {
  deny: { word: 'DENY', line: 'Do not sign this transaction.' },
  review: {
    word: 'REVIEW',
    line: 'Do not sign until every finding below has been checked and accepted by someone who knows why it is there.',
  },
  allow: {
    word: 'ALLOW',
    line: 'No findings. Before signing, compare the hashes below with the ones your hardware wallet shows.',
  },
};

export function TransactionResult(props: { result: Analysis; position: string; labels: AddressLabels }) {
  const { result: a, position, labels } = props;
  const v = VERDICT_TEXT[a.verdict];
  const findings = sortBySeverity(a.findings);
  return (
    <article
      className={`tx-result v-${a.verdict}`}
      data-testid="tx-result"
      data-verdict={a.verdict}
      data-index={a.index}
      aria-label={`${position}: ${v.word}`}
    >
      <header className="tx-verdict" data-testid="verdict">
        <div className="verdict-word">{v.word}</div>
        <div className="verdict-text">
          <p className="verdict-line">{v.line}</p>
          <p className="verdict-meta">
            {position} · nonce {a.tx.nonce} ·{' '}
            {a.decoded.function?.name ?? (a.tx.data === '0x' ? 'transfer' : 'call')} to <code>{a.tx.to}</code>
            {a.tx.value !== '0' && <> · {eth(a.tx.value)}</>}
            {a.tx.operation === 1 && <strong> · DELEGATECALL</strong>}
          </p>
        </div>
      </header>

      <Section
        n={1}
        title={findings.length ? `Why: ${findings.length} finding${findings.length > 1 ? 's' : ''}` : 'Why'}
      >
        {findings.length === 0 ? (
          <p className="ok-text">
            No findings: decoded, hashed and simulated; nothing is unknown, unexpected or on a screening list.
          </p>
        ) : (
          <ol className="findings" data-testid="findings">
            {findings.map((f) => (
              <FindingItem key={`${f.code}|${f.path}|${f.message}`} f={f} />
            ))}
          </ol>
        )}
      </Section>

      <Section n={2} title="Compare on your hardware wallet">
        <p className="hint">
          A Ledger or Trezor shows the domain hash and message hash when it signs a Safe transaction (the Safe
          app shows the safeTxHash): compare every group; if one differs, stop.
        </p>
        <dl className="hashes" data-testid="hashes">
          <dt>Domain hash</dt>
          <dd>
            <GroupedHex value={a.domainHash} testId="domain-hash" />
          </dd>
          <dt>Message hash</dt>
          <dd>
            <GroupedHex value={a.messageHash} testId="message-hash" />
          </dd>
          <dt>safeTxHash</dt>
          <dd>
            <GroupedHex value={a.safeTxHash} testId="safe-tx-hash" />
          </dd>
        </dl>
        <p className="muted small">
          Safe {a.version} on chain {a.chainId}, wallet <code>{a.wallet}</code>
          {a.version < '1.3.0' && ' (before 1.3.0 the domain has no chainId)'}.
        </p>
        <details className="tx-fields">
          <summary>The fields these hashes cover</summary>
          <TxFields a={a} labels={labels} />
        </details>
      </Section>

      <Section n={3} title="What it calls (decoded from the raw bytes)">
        <CallTree
          root={a.decoded}
          labels={labels}
          untrusted={
            new Set(
              a.findings
                .filter((f) => f.code === 'DELEGATECALL_UNTRUSTED' && f.path !== null)
                .map((f) => f.path!),
            )
          }
        />
      </Section>

      <Section n={4} title="What it does (simulated)">
        <EffectsView
          effects={a.effects}
          simulation={a.simulation}
          simulationError={a.simulationError}
          labels={labels}
        />
      </Section>

      <Section n={5} title="Signatures">
        <SignaturesView
          check={a.signatures}
          requiredApprovals={a.requiredApprovals}
          safeTxHash={a.safeTxHash}
          labels={labels}
        />
      </Section>

      <Section n={6} title="Analysis digest (what approvers sign)">
        <p className="hash-line">
          <GroupedHex value={a.digest} testId="digest" />
        </p>
        <DigestCheck a={a} />
      </Section>
    </article>
  );
}

function Section({ n, title, children }: { n: number; title: string; children: ReactNode }) {
  return (
    <section className="tx-section">
      <h3>
        <span className="step">{n}</span> {title}
      </h3>
      {children}
    </section>
  );
}

function FindingItem({ f }: { f: Finding }) {
  const description = (FINDING_DESCRIPTIONS as Record<string, string>)[f.code];
  return (
    <li className={`finding sev-${f.severity}`} data-code={f.code}>
      <span className="sev">{f.severity}</span>
      <span className="code" title={description}>
        {f.code}
      </span>
      <span className="where">{pathLabel(f.path)}</span>
      <span className="message">{f.message}</span>
    </li>
  );
}

function TxFields({ a, labels }: { a: Analysis; labels: AddressLabels }) {
  const t = a.tx;
  const rows: Array<[string, ReactNode]> = [
    ['to', <code key="to">{t.to}</code>],
    ['value', `${t.value} wei (${eth(t.value)})`],
    [
      'data',
      <code key="data">
        {t.data === '0x' ? '0x (empty)' : `${(t.data.length - 2) / 2} bytes, ${t.data.slice(0, 10)}…`}
      </code>,
    ],
    [
      'operation',
      t.operation === 1 ? '1 (DELEGATECALL)' : t.operation === 0 ? '0 (CALL)' : String(t.operation),
    ],
    ['safeTxGas', t.safeTxGas],
    ['baseGas', t.baseGas],
    ['gasPrice', t.gasPrice],
    ['gasToken', <code key="gt">{t.gasToken}</code>],
    [
      'refundReceiver',
      <code key="rr">
        {t.refundReceiver}
        {labels.get(t.refundReceiver.toLowerCase()) ? ` (${labels.get(t.refundReceiver.toLowerCase())})` : ''}
      </code>,
    ],
    ['nonce', t.nonce],
  ];
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <Fragment key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** Recomputes the digest from the analysis as received: what this page shows is what is signed. */
function DigestCheck({ a }: { a: Analysis }) {
  let ok: boolean;
  try {
    const { index: _index, simulationError: _simulationError, ...analysis } = a;
    ok = analysisDigest(analysis) === a.digest;
  } catch {
    ok = false;
  }
  return ok ? (
    <p className="ok-text" data-testid="digest-check" data-ok="true">
      ✓ Recomputed in this browser (SHA-256 of the canonical JSON of the analysis shown above): it covers
      exactly what this page shows.
    </p>
  ) : (
    <p className="bad-text" data-testid="digest-check" data-ok="false">
      ✗ The digest does not match the analysis shown: do not approve, and report it.
    </p>
  );
}
