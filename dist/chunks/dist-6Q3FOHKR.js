import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-OACTSX7K.js";import"./chunk-QIBMOIGA.js";import"./chunk-C2CEZ7PP.js";import"./chunk-H5DEVVPM.js";export{a as docsUrl,b as loadRulePacks,c as packPrefix,d as securityGuideRules};
