import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-AGFK33DY.js";import"./chunk-WXR56M4L.js";import"./chunk-ECJNKYAX.js";import"./chunk-H5DEVVPM.js";export{a as docsUrl,b as loadRulePacks,c as packPrefix,d as securityGuideRules};
