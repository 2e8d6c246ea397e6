import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
import{a,b}from"./chunk-OGHMV4MS.js";import"./chunk-KQCX5FXC.js";import"./chunk-H5DEVVPM.js";export{a as docsUrl,b as securityGuideRules};
