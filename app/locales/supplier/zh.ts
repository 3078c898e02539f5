import type { Translations } from "../index";
import type en from "./en";

const supplier: Translations<typeof en> = {};

export default supplier;
