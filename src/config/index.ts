export { type LoadedYaml, loadYamlFile, parseYamlText } from "./yaml-file.js";
