export { openEmmettSqlite, emmettSqliteVersion } from './emmettSqliteSubject.js';
