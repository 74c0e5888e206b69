export { openEmmettPostgres, emmettPostgresVersion } from './emmettPostgresSubject.js';
