import type { Translations } from "./index";
import ai from "./ai/ms";

/** Bahasa Melayu. */
const ms: Translations = {
  common: {
    language: "Bahasa",
    change: "Tukar",
    languageSwitcher: { label: "Bahasa", submit: "Tukar bahasa" },
    error: {
      eyebrow: "Ralat {{status}}",
      notFound: "Halaman tidak dijumpai",
      forbidden: "Tidak dibenarkan",
      generic: "Berlaku masalah",
      notFoundDetail: "Halaman yang anda minta tidak wujud atau telah dipindahkan.",
      genericDetail: "Kami tidak dapat menyelesaikan permintaan ini. Sila cuba lagi sebentar lagi.",
      home: "Pergi ke laman utama NetShop",
    },
  },
  admin: {
    nav: {
      label: "Pentadbir",
      dashboard: "Papan pemuka",
      products: "Produk",
      orders: "Pesanan",
      customers: "Pelanggan",
      dropshipping: "Dropship",
      aiStudio: "Studio AI",
      reports: "Laporan",
      settings: "Tetapan",
      billing: "Bil",
      staff: "Kakitangan",
      auditLog: "Log audit",
    },
    soon: "akan datang",
    comingSoon: "Akan datang",
    shop: "Kedai",
    switchShop: "Tukar",
    addShop: "+ Tambah kedai lain",
    logOut: "Log keluar",
    sandboxBanner:
      "Kotak pasir: tiada kunci {{providers}} dikonfigurasi — panggilan itu pergi ke kotak pasir penyedia NetShop, bukan kepada pelanggan atau penyedia sebenar.",
    error: {
      notFound: "Tidak dijumpai",
      notFoundDetail: "Halaman ini tidak wujud atau telah dipindahkan.",
      back: "Kembali ke papan pemuka",
    },
  },
  storefront: {
    poweredBy: "Dikuasakan oleh",
    skipToContent: "Langkau ke kandungan",
    home: "Laman utama",
    search: "Cari",
    searchPlaceholder: "Cari produk",
    account: "Akaun",
    wishlist: "Senarai hajat",
    cart: "Troli",
    empty: { title: "Belum ada produk", body: "Kedai ini sedang bersiap. Sila datang semula nanti." },
    fromPrice: "Dari {{price}}",
    shopNotFound: {
      eyebrow: "Ralat 404",
      title: "Kedai tidak dijumpai",
      body: "Tiada kedai di alamat ini. Semak pautan yang anda ikuti.",
    },
    unavailable: { eyebrow: "Ralat", title: "Kedai ini tidak tersedia buat masa ini", body: "Sila cuba lagi sebentar lagi." },
    goToNetShop: "Pergi ke NetShop",
  },
  ai,
};

export default ms;
