/** The ProjectionHost running this process's read models. */
export const PROJECTION_HOST = Symbol('PROJECTION_HOST');
