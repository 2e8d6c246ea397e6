import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-LE67A24N.js";import"./chunk-JXH2CSOX.js";import"./chunk-WIBFIWFH.js";import"./chunk-H5DEVVPM.js";export{a as docsUrl,b as loadRulePacks,c as packPrefix,d as securityGuideRules};
