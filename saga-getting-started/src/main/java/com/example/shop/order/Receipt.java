package com.example.shop.order;

import java.util.UUID;

public record Receipt(UUID orderId, UUID chargeId, String trackingNumber) { }
