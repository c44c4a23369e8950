// rxotp/testing: helpers for testing supervision trees on virtual time.
export { liveActorCount } from './live-actor-count.js';
