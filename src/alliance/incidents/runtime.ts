/**
 * Following the alliance inside `rampart serve`: one Follower per configured source, each feeding
 * screening and incidents. Stopped with the server.
 */
import type { Ledger } from '../../ledger/index.ts';
import { Follower, type FollowSpec } from '../taxii/client/follower.ts';
import { feedHandler } from './receive.ts';
import { allianceScreeningSink, type ScreeningSink } from './screening-sink.ts';

export interface AllianceFollowing {
  followers: Follower[];
  stop(): Promise<void>;
}

export function startFollowing(
  ledger: Ledger,
  specs: readonly FollowSpec[],
  sink: ScreeningSink = allianceScreeningSink(ledger),
): AllianceFollowing {
  const handler = feedHandler(ledger, sink);
  const followers = specs.map((s) => new Follower(ledger, s, handler));
  for (const f of followers) f.start();
  return {
    followers,
    async stop() {
      await Promise.all(followers.map((f) => f.stop()));
    },
  };
}
