/** Pacemaker cib.xml import/export for the typed CIB model. */
export { cibToXmlTree, exportCib } from './export.js';
export { importCib } from './import.js';
export { CibError } from './xml-tree.js';
