import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-QQFEKHCW.js";import"./chunk-W2II5EZL.js";import"./chunk-HFQ7ZW4U.js";import"./chunk-H5DEVVPM.js";export{a as docsUrl,b as loadRulePacks,c as packPrefix,d as securityGuideRules};
