package com.example.shop.shipping;

public record Label(String trackingNumber) { }
