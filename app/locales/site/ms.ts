import type { Translations } from "../index";
import type en from "./en";

const site: Translations<typeof en> = {};

export default site;
