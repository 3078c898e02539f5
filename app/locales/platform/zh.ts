import type { Translations } from "../index";
import type en from "./en";

const platform: Translations<typeof en> = {};

export default platform;
