/** Incidents: declare, update, resolve; receive, screen and acknowledge; timelines; following. */
export * from './identity.ts';
export * from './incidents.ts';
export { incidentObserver } from './observer.ts';
export { addressesOf, feedHandler } from './receive.ts';
export { type AllianceFollowing, startFollowing } from './runtime.ts';
export { allianceScreeningSink, type ScreeningSink, type SinkEntry } from './screening-sink.ts';
