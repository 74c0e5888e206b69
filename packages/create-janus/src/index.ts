// The public API of create-janus: the scaffolder its bin runs, for tools that make services too.
export { ScaffoldError, ownVersion, scaffold, templateDir, type ScaffoldOptions } from './scaffold.js';
