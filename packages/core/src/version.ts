/** Software version stamped into every audit record; keep in step with package.json. */
export const KEEL_VERSION = '0.1.0';
