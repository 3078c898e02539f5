import type { Translations } from "../index";
import type en from "./en";

const team: Translations<typeof en> = {};

export default team;
