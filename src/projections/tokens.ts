/** Injection token of the ProjectionService (built in the composition root). */
export const PROJECTIONS = Symbol('ProjectionService');
