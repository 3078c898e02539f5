import type { Translations } from "../index";
import type en from "./en";

const account: Translations<typeof en> = {};

export default account;
