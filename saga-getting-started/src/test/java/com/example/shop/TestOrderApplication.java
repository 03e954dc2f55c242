package com.example.shop;

import org.springframework.boot.SpringApplication;

import dev.saga.embedded.DevelopmentDatabase;

public class TestOrderApplication {

    public static void main(String[] args) {
        SpringApplication.from(OrderApplication::main).with(DevelopmentDatabase.class).run(args);
    }
}
