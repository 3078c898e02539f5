import type { Translations } from "../index";
import type en from "./en";

const auth: Translations<typeof en> = {
  login: {
    title: "Log masuk",
    metaTitle: "Log masuk · NetShop",
    reset: "Kata laluan anda telah ditukar dan semua peranti telah dilog keluar. Log masuk dengan kata laluan baharu anda.",
    email: "E-mel",
    password: "Kata laluan",
    remember: "Ingat saya pada peranti ini selama 30 hari",
    submitting: "Sedang log masuk…",
    submit: "Log masuk",
    forgot: "Lupa kata laluan?",
    newHere: "Baharu di NetShop?",
    signup: "Cipta akaun",
    errors: {
      emailRequired: "Masukkan alamat e-mel anda.",
      passwordRequired: "Masukkan kata laluan anda.",
      invalid: "E-mel dan kata laluan itu tidak sepadan dengan mana-mana akaun.",
      tooManyAttempts: "Terlalu banyak cubaan log masuk. Cuba lagi dalam {{minutes}} minit.",
      frozen: "Pentadbir kedai telah membekukan akaun anda. Minta mereka menyahbekukannya.",
    },
  },
};

export default auth;
