import type { Translations } from "../index";
import type en from "./en";

const supplier: Translations<typeof en> = {
  orders: {
    meta: "Pesanan pembekal · NetShop",
    topUpHint:
      "Tambah nilai melalui pindahan bank kepada NetShop dengan alamat kedai anda sebagai rujukan; pasukan platform merekodkannya di sini.",
    status: "Status",
    payment: "Bayaran",
    openOrder: "Buka pesanan",
  },
  walletKinds: { topup: "tambah nilai", charge: "caj", refund: "bayaran balik" },
  orderStatuses: {
    held: "ditahan",
    open: "terbuka",
    accepted: "diterima",
    shipped: "dihantar",
    rejected: "ditolak",
    cancelled: "dibatalkan",
  },
  payments: { unpaid: "belum dibayar", wallet: "dompet", manual: "secara manual" },
  signup: {
    intro:
      "Senaraikan produk anda sekali sahaja; peniaga NetShop menjualnya dan anda menghantar terus kepada pelanggan mereka. Pasukan platform meluluskan pembekal baharu.",
    signedInAs: "Log masuk sebagai {{name}}.",
    account: "Akaun anda",
    name: "Nama anda",
    email: "E-mel",
    phone: "Nombor WhatsApp anda (kod log masuk)",
    password: "Kata laluan",
    passwordHint: "Sekurang-kurangnya 12 aksara.",
    adult: "Saya berumur 18 tahun ke atas",
    terms: "Saya menerima terma perkhidmatan dan dasar privasi",
    business: "Perniagaan pembekal anda",
    tradingName: "Nama perniagaan",
    contact: "Orang untuk dihubungi",
    whatsapp: "WhatsApp untuk pesanan",
    city: "Bandar gudang",
    state: "Negeri gudang",
    regions: "Kawasan penghantaran anda",
    handling: "Masa pengendalian (hari bekerja sebelum penghantaran)",
    submit: "Mohon sebagai pembekal",
  },
  regions: { peninsular: "Semenanjung Malaysia", east: "Malaysia Timur", singapore: "Singapura" },
  portal: {
    published: "{{count}} diterbitkan",
    toShip: "untuk dihantar",
    reference: "Rujukan",
    date: "Tarikh",
    status: "Status",
    orderNotFound: "Pesanan ini tiada",
  },
};

export default supplier;
