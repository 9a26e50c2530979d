export * from './problem';
export * from './http-problem.filter';
export * from './field-errors';
