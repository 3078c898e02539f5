import type { Translations } from "../index";
import type en from "./en";

const deals: Translations<typeof en> = {};

export default deals;
