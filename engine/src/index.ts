export * from './lrmd/index';
export * from './attrd/index';
