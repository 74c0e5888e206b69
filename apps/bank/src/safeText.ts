// Free text as every Janus service checks it: no lone surrogates, no bidirectional controls.
export { SafeText, refineSafeJson } from '@janus/http';
