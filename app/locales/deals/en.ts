/** Flash sales and deals (namespace "deals"). */
const deals = {
  meta: "Deals · NetShop",
  products: "Products",
  heading: "Flash sales and deals",
  newSale: "New sale",
  intro:
    "A sale gives chosen variants a lower price between two times ({{zone}}), optionally with a total number of units and a limit per customer. The storefront shows the sale price with a countdown; checkout enforces both limits.",
  none: "No sales yet.",
  sale: "Sale",
  state: "State",
  starts: "Starts",
  ends: "Ends",
  variants: "Variants",
  soldCap: "Sold / cap",
  perCustomer: "Per customer",
  noCap: "no cap",
  noLimit: "no limit",
  states: { running: "running", scheduled: "scheduled", ended: "ended" },
} as const;

export default deals;
