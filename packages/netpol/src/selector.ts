/** Label selectors live in core: the API-server pass of @scout-deploy/schema matches with the same code. */
export {
  compileSelector,
  isEmptySelector,
  type Labels,
  SELECT_ALL,
  type Selector,
} from "@scout-deploy/core";
