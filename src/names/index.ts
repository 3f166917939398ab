/** Unit names: the short forms staff use, and finding them in questions. */
export { unitNameForms, type UnitMeta } from "./forms.js";
export { matchUnits, prepareUnits, type UnitProfile, type UnitMention, type PreparedUnits } from "./match.js";
