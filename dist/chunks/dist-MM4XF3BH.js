import { createRequire as __scoutCreateRequire } from "node:module"; const require = __scoutCreateRequire(import.meta.url);
import{a,b,c,d}from"./chunk-6CT4YOGT.js";import"./chunk-QEY4O5HM.js";import"./chunk-2CD5XP7E.js";import"./chunk-H5DEVVPM.js";export{a as docsUrl,b as loadRulePacks,c as packPrefix,d as securityGuideRules};
