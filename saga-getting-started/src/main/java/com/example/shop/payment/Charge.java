package com.example.shop.payment;

import java.math.BigDecimal;
import java.util.UUID;

public record Charge(UUID id, BigDecimal amount) { }
