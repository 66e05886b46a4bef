/** If one result cannot be drawn, say so in its place instead of blanking the page. */
import { Component, type ReactNode } from 'react';

export class ResultBoundary extends Component<
  { position: string; children: ReactNode },
  { error: Error | null }
> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <article className="tx-result v-error" data-testid="tx-result" data-verdict="error">
          <header className="tx-verdict">
            <div className="verdict-word">INVALID</div>
            <div className="verdict-text">
              <p className="verdict-line">
                {this.props.position} cannot be shown: {this.state.error.message}
              </p>
              <p className="verdict-meta">Do not sign it.</p>
            </div>
          </header>
        </article>
      );
    }
    return this.props.children;
  }
}
