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
  editor: {
    meta: "Jualan kilat · NetShop",
    back: "Tawaran",
    newTitle: "Jualan kilat baharu",
    end: "Tamatkan jualan sekarang",
    sold: "{{count}} unit terjual pada harga jualan.",
    name: "Nama",
    namePlaceholder: "Jualan kilat 12.12",
    starts: "Bermula ({{zone}})",
    ends: "Berakhir ({{zone}})",
    totalCap: "Jumlah unit pada harga jualan (pilihan)",
    totalCapHint: "Kosong: tiada had.",
    perCustomer: "Unit bagi setiap pelanggan (pilihan)",
    perCustomerHint: "Dikira mengikut akaun pelanggan, e-mel atau nombor telefon.",
    prices: "Harga jualan",
    pricesHint: "Berikan harga jualan kepada setiap varian dalam jualan ini; biarkan yang lain kosong.",
    variant: "Varian",
    sku: "SKU",
    price: "Harga",
    salePrice: "Harga jualan",
    save: "Simpan jualan",
  },
};

export default deals;
