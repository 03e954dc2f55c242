package com.example.shop.order;

import java.math.BigDecimal;
import java.util.UUID;

public record OrderRequest(UUID orderId, String item, int quantity, BigDecimal amount) { }
