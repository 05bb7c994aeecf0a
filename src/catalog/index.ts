export {
  buildCatalog,
  type Catalog,
  type CatalogCheck,
  type CompatibilityOptions,
  type CompatibilityProblem,
  checkCatalog,
  type FeatureSettings,
  type ReleaseState,
} from "./build-catalog.js";
export { checkSuitePairings } from "./compatibility.js";
export { BUILTIN_FAMILY_CHAINS, familyChainFor, knownFamilies } from "./family-chains.js";
export { IDENTIFIER_PREFIXES, type IdentifierPrefix, parseIdentifier } from "./identifiers.js";
