/** Pacemaker cib.xml import/export for the typed CIB model. */
export { cibToXmlTree, exportCib } from './export.js';
export { importCib } from './import.js';
export { type CibChange, CibStore, type CibStoreOptions, STATUS_ATTRS } from './store.js';
export { cibDigest, readCibFile, writeCibFile } from './store-files.js';
export { formatVersion } from './store-version.js';
export { CibError } from './xml-tree.js';
