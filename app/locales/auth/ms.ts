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
  verify: {
    title: "Sahkan bahawa ini anda",
    metaTitle: "Sahkan bahawa ini anda · NetShop",
    recoveryIntro:
      "Masukkan salah satu kod pemulihan yang anda simpan semasa menyediakan pengesahan dua faktor. Setiap kod berfungsi sekali sahaja.",
    totpIntro: "Masukkan kod 6 digit yang ditunjukkan oleh aplikasi pengesah anda untuk NetShop.",
    whatsappIntro: "Kami telah menghantar kod 6 digit ke WhatsApp anda <phone>{{phone}}</phone>. Kod ini tamat tempoh dalam 5 minit.",
    unsent: "Kami tidak dapat menghantar kod anda melalui WhatsApp sebentar tadi. Tunggu seminit, kemudian hantar kod baharu.",
    resent: "Kod baharu sedang dihantar. Kod sebelumnya tidak lagi sah.",
    recoveryCode: "Kod pemulihan",
    code: "Kod",
    trust: "Percayai peranti ini selama 30 hari (jangan minta kod di sini)",
    checking: "Sedang menyemak…",
    submit: "Teruskan",
    resend: "Hantar kod baharu",
    useTotp: "Gunakan aplikasi pengesah anda",
    useWhatsapp: "Gunakan kod WhatsApp",
    useRecovery: "Kehilangan telefon? Gunakan kod pemulihan",
    someoneElse: "Log masuk sebagai orang lain",
  },
};

export default auth;
