import type { Translations } from "../index";
import type en from "./en";

const deals: Translations<typeof en> = {
  meta: "Tawaran · NetShop",
  products: "Produk",
  heading: "Jualan kilat dan tawaran",
  newSale: "Jualan baharu",
  intro:
    "Jualan memberi varian terpilih harga lebih rendah antara dua masa ({{zone}}), dengan pilihan jumlah unit keseluruhan dan had bagi setiap pelanggan. Kedai memaparkan harga jualan dengan kiraan detik; pembayaran menguatkuasakan kedua-dua had.",
  none: "Belum ada jualan.",
  sale: "Jualan",
  state: "Keadaan",
  starts: "Mula",
  ends: "Tamat",
  variants: "Varian",
  soldCap: "Terjual / had",
  perCustomer: "Setiap pelanggan",
  noCap: "tiada had",
  noLimit: "tiada had",
  states: { running: "berjalan", scheduled: "dijadualkan", ended: "tamat" },
};

export default deals;
