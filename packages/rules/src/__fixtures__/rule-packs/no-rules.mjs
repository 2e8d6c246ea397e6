export const helpers = {};
