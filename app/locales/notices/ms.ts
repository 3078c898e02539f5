import type { Translations } from "../index";

const notices: Translations["notices"] = {
  invite: {
    text: "{{inviter}} menjemput anda membantu mengendalikan {{shop}} di NetShop sebagai {{role}}. Terima di sini (pautan ini sah sekali sahaja, selama 7 hari): {{link}}",
    subject: "{{inviter}} menjemput anda ke {{shop}} di NetShop",
    admin: "pentadbir",
    staff: "kakitangan",
    link: "[pautan jemputan]",
  },
  welcome:
    "Hai {{name}}, selamat datang ke NetShop! Akaun anda sudah sedia. Seterusnya: buka kedai anda dan tambah produk pertama anda. Balas sembang ini bila-bila masa jika anda perlukan bantuan.",
  codes: {
    sign_in:
      "Kod log masuk NetShop anda ialah {{code}}. Ia tamat dalam 5 minit. Jangan kongsikan: NetShop tidak akan sekali-kali memintanya.",
    password_reset:
      "Kod set semula kata laluan NetShop anda ialah {{code}}. Ia tamat dalam 30 minit. Jika anda tidak meminta untuk menetapkan semula kata laluan, abaikan mesej ini.",
    contact_change:
      "Kod NetShop anda untuk mengesahkan nombor WhatsApp ini ialah {{code}}. Ia tamat dalam 15 minit. Jika anda tidak memintanya, abaikan mesej ini.",
  },
  dropship: {
    prefix: "Dropship NetShop: {{message}}",
    held: "Pesanan #{{number}}: baki dompet dropship anda tidak cukup untuk membayar pembekal {{amount}}. Pesanan pembekal ditahan: tambah nilai, atau bayar pembekal sendiri dan tandakan sebagai dibayar.",
    marginLow:
      "{{product}} ({{variant}}): kos pembekal kini {{cost}}; margin anda {{margin}}% (di bawah {{threshold}}% yang anda tetapkan).",
    rejected:
      "Pesanan #{{number}}: pembekal tidak dapat menghantar {{items}} ({{reason}}). Pulangkan wang pelanggan bagi baris-baris ini dari halaman pesanan.",
    rejectedOne:
      "Pesanan #{{number}}: pembekal tidak dapat menghantar {{items}} ({{reason}}). Pulangkan wang pelanggan bagi baris ini dari halaman pesanan.",
    outOfStock: "kehabisan stok",
    newOrder: "NetShop: pesanan baharu {{reference}} ({{count}} unit). Buka portal pembekal anda untuk menerima dan menghantarnya.",
    recipientCorrected:
      "NetShop: pembeli telah membetulkan butiran penerima pesanan {{reference}}. Semak nama, telefon dan alamat dalam portal pembekal anda sebelum menghantar.",
    cancelled: "NetShop: pesanan {{reference}} telah dibatalkan oleh kedai. Jangan hantar.",
    approved: "NetShop: {{name}} telah diluluskan. Produk anda yang diterbitkan kini berada dalam rangkaian dropship.",
    suspended: "NetShop: {{name}} digantung daripada rangkaian dropship. Hubungi pasukan NetShop.",
  },
};

export default notices;
