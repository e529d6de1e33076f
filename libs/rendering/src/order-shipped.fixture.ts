import type { EmailTemplateSource } from './compile-email-template';

/** A realistic transactional email, shared by the specs and the benchmark. */
export const ORDER_SHIPPED_TEMPLATE: EmailTemplateSource = {
  subject: 'Your order {{ order.number }} is on its way, {{ customer.firstName }}',
  mjml: `<mjml>
  <mj-head>
    <mj-title>Order {{ order.number }} has shipped</mj-title>
    <mj-preview>Arriving {{ shipment.estimatedDelivery }}</mj-preview>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-text font-size="15px" line-height="22px" color="#1f2933" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f5f7">
    <mj-section background-color="#ffffff" padding="24px">
      <mj-column>
        <mj-image width="120px" src="{{ brand.logoUrl }}" alt="{{ brand.name }}" href="{{ brand.siteUrl }}" />
        <mj-text font-size="22px" font-weight="bold">Good news, {{ customer.firstName }}!</mj-text>
        <mj-text>Your order <strong>{{ order.number }}</strong> left our warehouse today.
          {{ shipment.carrier }} expects to deliver it on {{ shipment.estimatedDelivery }}.</mj-text>
        <mj-button href="{{ shipment.trackingUrl }}" background-color="#2563eb">Track your parcel</mj-button>
        <mj-divider border-color="#e4e7eb" />
        <mj-table>
          <tr><th align="left">Item</th><th align="right">Qty</th><th align="right">Price</th></tr>
          <tr><td>{{ order.firstItem.name }}</td><td align="right">{{ order.firstItem.quantity }}</td><td align="right">{{ order.firstItem.price }}</td></tr>
          <tr><td colspan="2">Total ({{ order.itemCount }} items)</td><td align="right">{{ order.total }}</td></tr>
        </mj-table>
        <mj-text>Shipping to:<br />{{ address.name }}<br />{{ address.line1 }}<br />{{ address.postalCode }} {{ address.city }}</mj-text>
        <mj-text font-size="13px" color="#52606d">Tracking number: {{ shipment.trackingNumber }}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section padding="16px">
      <mj-column>
        <mj-text font-size="12px" color="#7b8794" align="center">
          Questions? Reply to this email or visit <a href="{{ brand.helpUrl }}">our help centre</a>.
        </mj-text>
        <mj-text font-size="12px" color="#7b8794" align="center">
          {{ brand.name }}, {{ brand.address }} · <a href="{{ unsubscribeUrl }}">Unsubscribe</a>
        </mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`,
};

export const ORDER_SHIPPED_DATA = {
  customer: { firstName: 'Ada' },
  order: {
    number: 'SB-10442',
    itemCount: 3,
    total: '€84.50',
    firstItem: { name: 'Enamel mug, blue', quantity: 2, price: '€24.00' },
  },
  shipment: {
    carrier: 'PostNL',
    trackingNumber: '3SABCD1234567',
    trackingUrl: 'https://track.example/3SABCD1234567?lang=en&src=email',
    estimatedDelivery: 'Thursday 14 May',
  },
  address: { name: 'Ada Lovelace', line1: '12 St James Square', postalCode: 'SW1Y 4JH', city: 'London' },
  brand: {
    name: 'Kettle & Co',
    logoUrl: 'https://cdn.example/logo.png',
    siteUrl: 'https://kettle.example',
    helpUrl: 'https://kettle.example/help',
    address: '1 Market Street, Leeds',
  },
  unsubscribeUrl: 'https://kettle.example/unsubscribe?token=abc123',
};
